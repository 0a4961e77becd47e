package ui

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// registerPageSize is how many rows a paged list (queues, registers) reads
// at a time. The list is virtual: it asks for the rows it shows, and the
// view reads their page from the store, so a queue of 100,000 items costs
// a page, not 100,000 rows.
const registerPageSize = 200

// pagedList is a virtual list over a paged source, as the queue list does
// it: the list asks for the rows it shows and the pages they are on are
// read in the background, once; a reload drops every page and bumps the
// generation, so pages of an older filter are dropped when they arrive.
type pagedList[T any] struct {
	list *widget.List
	run  func(job func())
	// fetch runs on the Fyne goroutine: it takes what the read needs (the
	// filter) and returns the read, which runs in the background.
	fetch  func(offset, limit int) func(ctx context.Context) ([]T, int, error)
	show   func(r T, o fyne.CanvasObject)
	blank  func(o fyne.CanvasObject)
	loaded func(total int, err error) // after each page, on the Fyne goroutine

	generation int
	count      int
	pages      map[int][]T
	loading    map[int]bool
}

func newPagedList[T any](run func(job func()), create func() fyne.CanvasObject, show func(T, fyne.CanvasObject), blank func(fyne.CanvasObject)) *pagedList[T] {
	p := &pagedList[T]{run: run, show: show, blank: blank, pages: map[int][]T{}, loading: map[int]bool{}}
	p.list = widget.NewList(func() int { return p.count }, create, p.update)
	return p
}

func (p *pagedList[T]) update(i widget.ListItemID, o fyne.CanvasObject) {
	if r, ok := p.row(i); ok {
		p.show(r, o)
		return
	}
	p.blank(o)
	p.loadPage(i / registerPageSize)
}

func (p *pagedList[T]) row(i int) (T, bool) {
	pg, ok := p.pages[i/registerPageSize]
	if !ok || i < 0 || i%registerPageSize >= len(pg) {
		var zero T
		return zero, false
	}
	return pg[i%registerPageSize], true
}

// reload drops every page and reads the first again.
func (p *pagedList[T]) reload() {
	p.generation++
	p.pages, p.loading = map[int][]T{}, map[int]bool{}
	p.list.UnselectAll()
	p.loadPage(0)
}

func (p *pagedList[T]) loadPage(n int) {
	if p.loading[n] || p.fetch == nil {
		return
	}
	p.loading[n] = true
	gen, read := p.generation, p.fetch(n*registerPageSize, registerPageSize)
	p.run(func() {
		ctx, cancel := context.WithTimeout(context.Background(), deskTimeout)
		defer cancel()
		rows, total, err := read(ctx)
		fyne.Do(func() {
			if gen != p.generation {
				return
			}
			if err != nil {
				delete(p.loading, n)
				p.loaded(p.count, err)
				return
			}
			p.pages[n] = rows
			if total != p.count {
				p.count = total
				p.list.Refresh()
			} else {
				for i := range rows {
					p.list.RefreshItem(n*registerPageSize + i)
				}
			}
			p.loaded(total, nil)
		})
	})
}

// columnsLayout lays a header or a row out in weighted columns.
type columnsLayout struct{ weights []float32 }

func (l columnsLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	var total float32
	for _, w := range l.weights {
		total += w
	}
	x := float32(0)
	for i, o := range objs {
		w := size.Width * l.weights[min(i, len(l.weights)-1)] / total
		o.Move(fyne.NewPos(x, 0))
		o.Resize(fyne.NewSize(w, size.Height))
		x += w
	}
}

func (l columnsLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var h float32
	for _, o := range objs {
		h = max(h, o.MinSize().Height)
	}
	return fyne.NewSize(float32(len(objs))*40, h)
}
